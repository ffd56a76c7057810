/**
 * Kaspi's login wants the masked display format `+7 (7XX) XXX-XX-XX` (REFERENCE §1.2). Sellers type anything:
 * `87011234567`, `+7 701 123 45 67`, `7011234567`, `+7(701)123-45-67`, or share a contact (`77011234567`).
 * Returns undefined for what is not a Kazakhstan mobile number.
 */
export function normalizeKazakhPhone(input: string): string | undefined {
  if (!/^[\d\s()+\-.]{10,25}$/.test(input.trim())) return undefined;
  let digits = input.replace(/\D/g, '');
  if (digits.length === 11 && (digits.startsWith('8') || digits.startsWith('7'))) digits = digits.slice(1);
  if (digits.length !== 10) return undefined;
  // Kazakhstan mobile numbers are +7 7XX …; 6XX/7XX landline and Russian +7 9XX numbers cannot log in to Kaspi.
  if (!digits.startsWith('7')) return undefined;
  return `+7 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6, 8)}-${digits.slice(8, 10)}`;
}

/** `+7 (701) ***-**-67`: enough for a seller to recognise, useless to anyone reading a log or a chat. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `+7 (${digits.slice(1, 4)}) ***-**-${digits.slice(-2)}`;
}

/**
 * A sentence of counts that leaves the zeros out: «Новых: 2, изменилось: 3.» rather than «Новых: 2, изменилось: 3,
 * удалено: 0.». Each part is a locale key taking `count`, written lower-case as it reads inside the sentence;
 * undefined when every count is zero (the caller says what that means: nothing changed, all sent…).
 */
export function countsSentence(
  t: (key: string, variables?: Record<string, string | number>) => string,
  parts: [key: string, count: number][],
): string | undefined {
  const said = parts.filter(([, count]) => count > 0).map(([key, count]) => t(key, { count }));
  if (said.length === 0) return undefined;
  const text = said.join(', ');
  return `${text.charAt(0).toLocaleUpperCase()}${text.slice(1)}.`;
}

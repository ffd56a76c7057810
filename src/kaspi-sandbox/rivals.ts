import { MERCHANTS, rivalKey } from './catalogue.js';
import type { SandboxWorld } from './state.js';

/** One step of the market: dempers answer our undercuts (never below their floor); others drift. */
export function tickRivals(world: SandboxWorld): void {
  for (const [key, rivals] of world.rivals) {
    const [masterSku, cityId] = key.split(':') as [string, string];
    const ours = ourCheapest(world, masterSku, cityId);
    for (const rival of rivals) {
      if (rival.verbatim) continue;
      if (rival.demper && ours !== undefined && ours <= rival.price) {
        const answer = ours - rival.step;
        if (answer >= rival.floor) rival.price = answer;
      } else if (world.random.chance(0.05)) {
        rival.price = Math.max(rival.floor, rival.price + world.random.int(-3, 3) * 10);
      }
    }
  }
}

/** A test sets one rival's price (a recorded rival's verbatim offer too). */
export function setRivalPrice(
  world: SandboxWorld,
  masterSku: string,
  cityId: string,
  merchantId: string,
  price: number,
): void {
  const rival = world.rivals.get(rivalKey(masterSku, cityId))?.find((candidate) => candidate.merchantId === merchantId);
  if (!rival) throw new Error(`no rival ${merchantId} for ${masterSku} in ${cityId}`);
  rival.price = price;
  if (rival.verbatim) rival.verbatim = { ...rival.verbatim, price };
}

function ourCheapest(world: SandboxWorld, masterSku: string, cityId: string): number | undefined {
  let cheapest: number | undefined;
  for (const merchant of MERCHANTS) {
    for (const offer of world.offers.get(merchant.uid)!) {
      if (offer.masterSku !== masterSku || !offer.available) continue;
      const price = offer.allCityPrices[cityId]?.price ?? offer.price;
      cheapest = cheapest === undefined ? price : Math.min(cheapest, price);
    }
  }
  return cheapest;
}

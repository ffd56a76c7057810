import { createServer } from 'node:http';

import { cabinetFileRoutes } from './cabinet-files.js';
import { cabinetReadRoutes } from './cabinet-reads.js';
import { CabinetSessions } from './cabinet-session.js';
import { cabinetWriteRoutes } from './cabinet-writes.js';
import { ACCOUNTS } from './catalogue.js';
import { controlRoutes } from './control.js';
import { IdmcSandbox } from './idmc.js';
import { oauthHandoffRoutes } from './oauth-handoff.js';
import { setRivalPrice, tickRivals } from './rivals.js';
import { hostHandler, listen } from './router.js';
import { SandboxWorld } from './state.js';
import { storefrontListing } from './storefront-listing.js';
import { storefrontRoutes } from './storefront.js';
import type { KaspiSandbox, KaspiSandboxOptions } from './types.js';
import { CabinetWriteLimits } from './write-limits.js';

export * from './types.js';

/**
 * Kaspi as far as our client can tell: idmc (login), mc (cabinet) and the storefront on three ports, with
 * Kaspi's payloads (../shared/kaspi), its limits, its pitfalls and its failures on demand.
 */
export async function startKaspiSandbox(options: KaspiSandboxOptions = {}): Promise<KaspiSandbox> {
  const world = new SandboxWorld(options);
  const idmc = new IdmcSandbox({
    limits: world.limits,
    scaled: (ms) => world.scaled(ms),
    random: world.random,
    logger: world.logger,
    token: (bytes) => world.token(bytes),
    urls: world.urls,
    nextLoginError: () => world.faults.nextLoginError(),
  });
  const sessions = new CabinetSessions(world);
  const writeLimits = new CabinetWriteLimits(world);

  const host = options.host ?? '127.0.0.1';
  const base = options.port ?? 0;
  const servers = {
    idmc: createServer(hostHandler('idmc', { ...idmc.routes(), ...controlRoutes(world, idmc, sessions) }, world)),
    mc: createServer(
      hostHandler(
        'cabinet',
        {
          ...oauthHandoffRoutes(world, idmc, sessions),
          ...cabinetReadRoutes(world, sessions),
          ...cabinetWriteRoutes(world, sessions, writeLimits),
          ...cabinetFileRoutes(world, sessions),
        },
        world,
      ),
    ),
    shop: createServer(hostHandler('storefront', storefrontRoutes(world, sessions), world)),
  };
  world.urls.idmc = await listen(servers.idmc, host, base);
  world.urls.mc = await listen(servers.mc, host, base ? base + 1 : 0);
  world.urls.shop = await listen(servers.shop, host, base ? base + 2 : 0);
  const rivalTick = options.rivalTickMs ?? 60_000;
  const loop = rivalTick > 0 ? setInterval(() => tickRivals(world), world.scaled(rivalTick)) : undefined;
  loop?.unref();

  return {
    idmcUrl: world.urls.idmc,
    mcUrl: world.urls.mc,
    shopUrl: world.urls.shop,
    envText: () =>
      `KASPI_IDMC_URL=${world.urls.idmc}\nKASPI_MC_URL=${world.urls.mc}\nKASPI_SHOP_URL=${world.urls.shop}`,
    accounts: structuredClone(ACCOUNTS),
    lastCode: (identity) => idmc.lastCode(identity),
    catalogue: (merchantUid) => structuredClone(world.offers.get(merchantUid) ?? []),
    storefront: (masterSku, cityId) => storefrontListing(world, masterSku, cityId),
    writes: (merchantUid) => world.writes(merchantUid),
    stats: () => structuredClone(world.counters),
    injectFaults: (faults) => world.faults.inject(faults),
    expireSessions: (merchantUid, shape) => sessions.expire(merchantUid, shape),
    setRivalPrice: (masterSku, cityId, merchantId, price) => setRivalPrice(world, masterSku, cityId, merchantId, price),
    blockOffer: (merchantUid, sku) => world.pricefeed.blockOffer(merchantUid, sku),
    tickRivals: () => tickRivals(world),
    async close() {
      if (loop) clearInterval(loop);
      world.stopTimers();
      await Promise.all(
        Object.values(servers).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}

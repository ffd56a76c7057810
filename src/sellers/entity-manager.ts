import { RequestContext, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';

/**
 * The EntityManager a service call works in, the one rule every service the bot reads through follows:
 *
 * - Within a bot update, the update's own EntityManager (`RequestContext`, created per update by the bot's
 *   unit-of-work middleware): every read of one update shares one identity map, so the store a button named and
 *   the store a reply shows are one object, and a change a service saves is what the rest of the update reads.
 *   A later query that is not a bare primary-key lookup still goes to the database and merges what changed there
 *   (another service's write) into the loaded entities.
 * - Outside an update (the demper's notifier, a worker, a CLI command, a background task, which runs detached
 *   from its update) a fresh fork per call: nothing is cached between two calls there.
 *
 * A service never holds an EntityManager between calls: it asks here every time.
 */
export function entityManagerFor(orm: MikroORM): EntityManager {
  return (RequestContext.getEntityManager(orm.em.name) as EntityManager | undefined) ?? orm.em.fork();
}

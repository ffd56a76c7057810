import { RequestContext, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';

/**
 * The EntityManager a service call works in, the one rule every service the bot reads through follows:
 *
 * - Within a bot update, the update's own EntityManager (`RequestContext`, created per update by the bot's
 *   unit-of-work middleware): every read of one update shares one identity map, so the store a button named and
 *   the store a reply shows are one object, and a change a service saves is what the rest of the update reads.
 *   A later query that is not a bare primary-key lookup still goes to the database and merges what changed there
 *   (another service's write) into the loaded entities.
 * - Within a job (a demper run, a follow-up's read-back: `inUnitOfWork`), that job's EntityManager, the same way.
 * - Outside both (a CLI command, a background task, which runs detached from its update) a fresh fork per call:
 *   nothing is cached between two calls there.
 *
 * A service never holds an EntityManager between calls: it asks here every time.
 */
export function entityManagerFor(orm: MikroORM): EntityManager {
  return (RequestContext.getEntityManager(orm.em.name) as EntityManager | undefined) ?? orm.em.fork();
}

/**
 * Runs one job (a demper run, a follow-up's step) as one unit of work: the services it calls through
 * `entityManagerFor` share one identity map for the job and nothing after it. Writers that must see the database
 * as it is now (the outbox's conditional steps, a read-back's settle) still fork on purpose.
 */
export function inUnitOfWork<T>(orm: MikroORM, work: () => Promise<T>): Promise<T> {
  return RequestContext.create(orm.em, work);
}

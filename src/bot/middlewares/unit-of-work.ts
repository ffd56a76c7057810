import { RequestContext, type MikroORM } from '@mikro-orm/postgresql';
import type { Context, MiddlewareFn } from 'grammy';

/**
 * One unit of work per update: MikroORM's `RequestContext` forks the EntityManager for the update, and every
 * service the update calls works in that fork (`entityManagerFor`) — one identity map for the update, instead
 * of a fork per lookup. Conversations' `external` steps run inside the update that replays them, so they share
 * it too; background tasks leave it (`BackgroundTasks`).
 */
export function unitOfWorkPerUpdate<C extends Context>(orm: MikroORM): MiddlewareFn<C> {
  return (_ctx, next) => RequestContext.create(orm.em, next);
}

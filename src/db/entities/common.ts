import { p } from '@mikro-orm/core';

/** Timestamps every table carries; `timestamptz` so that Almaty and UTC hosts agree. */
export const timestamps = {
  createdAt: p
    .datetime()
    .columnType('timestamptz')
    .onCreate(() => new Date()),
  updatedAt: p
    .datetime()
    .columnType('timestamptz')
    .onCreate(() => new Date())
    .onUpdate(() => new Date()),
};

import { defineEntity, p } from '@mikro-orm/core';

/** Key-value rows for bot sessions and conversation state when no Redis is configured. */
export const KvEntrySchema = defineEntity({
  name: 'KvEntry',
  tableName: 'kv_entry',
  properties: {
    key: p.string().length(256).primary(),
    value: p.json<unknown>(),
    expiresAt: p.datetime().columnType('timestamptz').nullable().index(),
    updatedAt: p
      .datetime()
      .columnType('timestamptz')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

import { Migration } from '@mikro-orm/migrations';

/** Read-backs the seller waits for (price, on/off, preorders), kept across restarts: `src/follow-ups/`. */
export class Migration20261210000100 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "follow_up" ("id" serial primary key, "kind" text check ("kind" in ('price', 'availability', 'preorders')) not null, "payload" jsonb not null, "status" text check ("status" in ('pending', 'done', 'failed')) not null default 'pending', "open_key" varchar(128) null, "due_at" timestamptz not null, "deadline" timestamptz not null, "attempts" int not null default 0, "first_wait_ms" int not null, "timeout_ms" int not null, "generation" int not null default 0, "locked_until" timestamptz null, "lock_token" varchar(64) null, "outbox" jsonb not null default '[]', "closing" boolean not null default false, "last_error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "follow_up" add constraint "follow_up_open_key_unique" unique ("open_key");`);
    this.addSql(`create index "follow_up_status_due_at_index" on "follow_up" ("status", "due_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "follow_up" cascade;`);
  }
}

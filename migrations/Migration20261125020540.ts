import { Migration } from '@mikro-orm/migrations';

export class Migration20261125020540 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "kv_entry" ("key" varchar(256) not null, "value" jsonb not null, "expires_at" timestamptz null, "updated_at" timestamptz not null, constraint "kv_entry_pkey" primary key ("key"));`,
    );
    this.addSql(`create index "kv_entry_expires_at_index" on "kv_entry" ("expires_at");`);

    this.addSql(
      `create table "seller" ("id" serial primary key, "telegram_user_id" bigint not null, "chat_id" bigint not null, "first_name" varchar(256) null, "username" varchar(64) null, "language" text check ("language" in ('ru', 'kk', 'en')) not null default 'ru', "notify_level" text check ("notify_level" in ('all', 'important', 'off')) not null default 'all', "quiet_from_minute" smallint null, "quiet_to_minute" smallint null, "timezone" varchar(64) not null default 'Asia/Almaty', "active_store_id" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "seller" add constraint "seller_telegram_user_id_unique" unique ("telegram_user_id");`);

    this.addSql(
      `create table "store" ("id" serial primary key, "seller_id" int not null, "merchant_uid" varchar(32) not null, "name" varchar(256) not null, "points" jsonb not null default '[]', "login_method" text check ("login_method" in ('sms', 'email')) not null, "login_identity_sealed" text null, "password_sealed" text null, "session_sealed" text null, "session_state" text check ("session_state" in ('none', 'active', 'expired')) not null default 'none', "session_checked_at" timestamptz null, "demper_enabled" boolean not null default false, "demper_dry_run" boolean not null default false, "last_sync_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`create index "store_merchant_uid_index" on "store" ("merchant_uid");`);
    this.addSql(
      `alter table "store" add constraint "store_seller_id_merchant_uid_unique" unique ("seller_id", "merchant_uid");`,
    );

    this.addSql(
      `create table "product" ("id" serial primary key, "store_id" int not null, "sku" varchar(128) not null, "master_sku" varchar(64) not null, "title" text not null, "brand" varchar(256) null, "price" int not null, "city_prices" jsonb not null default '[]', "availabilities" jsonb not null default '[]', "on_sale" boolean not null, "shop_link" text null, "removed_at" timestamptz null, "synced_at" timestamptz null, "demper_enabled" boolean not null default false, "min_price" int null, "max_price" int null, "step" int not null default 1, "step_is_percent" boolean not null default false, "strategy" text check ("strategy" in ('first_place', 'match_leader', 'target_place', 'hold')) not null default 'first_place', "target_place" smallint not null default 1, "excluded_merchants" jsonb not null default '[]', "check_interval_seconds" int not null default 900, "next_check_at" timestamptz null, "last_checked_at" timestamptz null, "last_place" smallint null, "last_cheapest_rival_price" int null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(
      `create index "product_demper_enabled_next_check_at_index" on "product" ("demper_enabled", "next_check_at");`,
    );
    this.addSql(`create index "product_master_sku_index" on "product" ("master_sku");`);
    this.addSql(`alter table "product" add constraint "product_store_id_sku_unique" unique ("store_id", "sku");`);

    this.addSql(
      `create table "competitor_snapshot" ("id" serial primary key, "product_id" int not null, "city_id" varchar(16) not null, "taken_at" timestamptz not null, "offers" jsonb not null, "our_price" int null, "our_place" smallint null, "cheapest_rival_price" int null);`,
    );
    this.addSql(
      `create index "competitor_snapshot_product_id_taken_at_index" on "competitor_snapshot" ("product_id", "taken_at");`,
    );

    this.addSql(
      `create table "price_change" ("id" serial primary key, "store_id" int not null, "product_id" int not null, "old_price" int not null, "new_price" int not null, "reason_code" varchar(64) not null, "reason_text" text not null, "source" text check ("source" in ('demper', 'manual', 'import', 'rollback')) not null, "status" text check ("status" in ('planned', 'sent', 'applied', 'failed')) not null default 'planned', "idempotency_key" varchar(128) not null, "cheapest_rival_price" int null, "error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null, "settled_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "price_change" add constraint "price_change_idempotency_key_unique" unique ("idempotency_key");`,
    );
    this.addSql(
      `create index "price_change_product_id_created_at_index" on "price_change" ("product_id", "created_at");`,
    );
    this.addSql(`create index "price_change_store_id_status_index" on "price_change" ("store_id", "status");`);

    this.addSql(
      `create table "preorder" ("id" serial primary key, "store_id" int not null, "product_id" int not null, "points" jsonb not null, "status" text check ("status" in ('planned', 'uploading', 'uploaded', 'confirmed', 'failed')) not null default 'planned', "upload_method" text check ("upload_method" in ('pricefeed', 'file')) null, "kaspi_file_id" varchar(128) null, "error" text null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "preorder" add constraint "preorder_product_id_unique" unique ("product_id");`);

    this.addSql(
      `alter table "store" add constraint "store_seller_id_foreign" foreign key ("seller_id") references "seller" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "product" add constraint "product_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "competitor_snapshot" add constraint "competitor_snapshot_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "price_change" add constraint "price_change_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "price_change" add constraint "price_change_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "preorder" add constraint "preorder_store_id_foreign" foreign key ("store_id") references "store" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "preorder" add constraint "preorder_product_id_foreign" foreign key ("product_id") references "product" ("id") on update cascade on delete cascade;`,
    );

    // Money rules the database enforces too (Kaspi's minimum price is 10 ₸; a floor never exceeds its ceiling).
    this.addSql(
      `alter table "product" add constraint product_min_price_check check(min_price is null or min_price >= 10);`,
    );
    this.addSql(
      `alter table "product" add constraint product_max_price_check check(max_price is null or max_price >= 10);`,
    );
    this.addSql(
      `alter table "product" add constraint product_min_max_check check(min_price is null or max_price is null or min_price <= max_price);`,
    );
    this.addSql(`alter table "product" add constraint product_step_check check(step >= 1);`);
    this.addSql(`alter table "product" add constraint product_price_check check(price >= 0);`);
    this.addSql(`alter table "price_change" add constraint price_change_new_price_check check(new_price >= 10);`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "store" drop constraint "store_seller_id_foreign";`);

    this.addSql(`alter table "product" drop constraint "product_store_id_foreign";`);

    this.addSql(`alter table "price_change" drop constraint "price_change_store_id_foreign";`);

    this.addSql(`alter table "preorder" drop constraint "preorder_store_id_foreign";`);

    this.addSql(`alter table "competitor_snapshot" drop constraint "competitor_snapshot_product_id_foreign";`);

    this.addSql(`alter table "price_change" drop constraint "price_change_product_id_foreign";`);

    this.addSql(`alter table "preorder" drop constraint "preorder_product_id_foreign";`);

    this.addSql(`drop table if exists "kv_entry" cascade;`);

    this.addSql(`drop table if exists "seller" cascade;`);

    this.addSql(`drop table if exists "store" cascade;`);

    this.addSql(`drop table if exists "product" cascade;`);

    this.addSql(`drop table if exists "competitor_snapshot" cascade;`);

    this.addSql(`drop table if exists "price_change" cascade;`);

    this.addSql(`drop table if exists "preorder" cascade;`);
  }
}

#include "gateway/backends/local/local_schema.hpp"

namespace custbridge::backends {
namespace {

// Each entry moves the schema from version i to i + 1. Never edit a shipped entry: append.
const char* const migrations[] = {
    R"sql(
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  email TEXT NOT NULL,
  email_folded TEXT NOT NULL,
  name TEXT,
  phone TEXT,
  marketing_opt_in INTEGER NOT NULL DEFAULT 0,
  default_address_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  orders_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX customers_live_email ON customers(store_id, email_folded) WHERE deleted_at IS NULL;
CREATE INDEX customers_store_created ON customers(store_id, created_at, id);
CREATE TABLE addresses (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  position INTEGER NOT NULL,
  first_name TEXT,
  last_name TEXT,
  company TEXT,
  address1 TEXT NOT NULL,
  address2 TEXT,
  city TEXT NOT NULL,
  region TEXT,
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  phone TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX addresses_customer ON addresses(customer_id, position);
)sql",
    // The local change feed: every create, update and delete (tombstone) of a customer
    // takes the next change_seq of the database, in its own write transaction. Existing
    // rows are numbered oldest change first.
    R"sql(
ALTER TABLE customers ADD COLUMN change_seq INTEGER;
UPDATE customers SET change_seq = (
  SELECT n FROM (SELECT rowid AS r, ROW_NUMBER() OVER (ORDER BY updated_at, rowid) AS n FROM customers)
  WHERE r = customers.rowid);
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO change_counter (id, last_seq) SELECT 1, COALESCE(MAX(change_seq), 0) FROM customers;
CREATE INDEX customers_store_change ON customers(store_id, change_seq);
)sql",
};

}  // namespace

const state::schema& local_store_schema() {
  static const state::schema s{"local_customers", migrations};
  return s;
}

}  // namespace custbridge::backends

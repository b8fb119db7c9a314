CREATE TABLE orders (id bigserial PRIMARY KEY, customer text NOT NULL, amount numeric(10,2), ordered_at timestamptz DEFAULT now());
INSERT INTO orders (customer, amount) SELECT 'customer ' || i, i * 1.25 FROM generate_series(1, 1000) i;

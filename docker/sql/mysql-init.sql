CREATE TABLE app.customers (id BIGINT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100) NOT NULL, vip TINYINT(1), created_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6));
INSERT INTO app.customers (name, vip) VALUES ('Ada', 1), ('Grace', 0), ('Linus', 0);

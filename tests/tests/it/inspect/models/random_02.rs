// Models of the tables of an existing SQLite database, written by `stillroom::inspect`.
//
// Review them: the names of structs and fields, the Rust type chosen for each column,
// and every note. A note starting with "differs:" marks what a model cannot declare
// exactly; there the database differs from these models.
//
// Then add them to the application and generate the first revision from them
// (`db revision --autogenerate -m "initial"`): `migrate` adopts this database at that
// revision, its schema being the revision's. Where a note says the database differs,
// adoption converts the database to the models' declaration, after checking that every
// stored value fits it (`db adopt --sql` shows the conversion first).

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "HTTPLog")]
#[model(unique(count))]
pub struct HttpLog {
    #[model(primary_key, index)]
    pub count: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "ORDERS_archive")]
#[model(unique(stmt))]
pub struct OrdersArchive {
    #[model(primary_key, index, default = "0x1F")]
    pub stmt: i64,
    #[model(check = r#""row" >= 0"#)]
    pub row: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "my table")]
#[model(strict = false)]
#[model(index(r#type, order_date, name = r#"My Index "0" of my table"#))]
pub struct MyTable {
    #[model(primary_key, sql_type = "CLOB", default = r#"'say "hi"'"#)]
    pub stmt: String,
    pub r#type: Option<String>,
    // declared DATE (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(column = "Order Date", sql_type = "DATE")]
    pub order_date: String,
    #[model(default = "x''")]
    pub table: Option<Vec<u8>>,
}

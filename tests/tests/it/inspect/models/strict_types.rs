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
pub struct AnyKeys {
    #[model(primary_key)]
    pub k: stillroom::rusqlite::types::Value,
    pub v: Option<stillroom::rusqlite::types::Value>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
pub struct Blobs {
    #[model(primary_key)]
    pub hash: Vec<u8>,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
pub struct Counters {
    #[model(primary_key)]
    pub id: i64,
    #[model(default = "0")]
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
pub struct Events {
    #[model(primary_key, autoincrement)]
    pub id: i64,
    pub count: i64,
    pub ratio: f64,
    pub label: String,
    pub payload: Vec<u8>,
    pub anything: stillroom::rusqlite::types::Value,
    #[model(sql_type = "INT")]
    pub small: i64,
    pub maybe_count: Option<i64>,
    pub maybe_ratio: Option<f64>,
    pub maybe_label: Option<String>,
    pub maybe_payload: Option<Vec<u8>>,
    pub maybe_anything: Option<stillroom::rusqlite::types::Value>,
    pub done: bool,
    pub maybe_done: Option<bool>,
    #[model(sql_type = "INT", default = "1")]
    pub flag_int: bool,
    #[model(check = "bool_and_more >= 0")]
    pub bool_and_more: bool,
    #[model(check = r#""not_bool" IN (0, 1, 2)"#)]
    pub not_bool: i64,
}

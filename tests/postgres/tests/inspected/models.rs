// Models of the tables of an existing PostgreSQL schema, written by `stillroom::postgres::inspect`.
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
//
// Their field types need stillroom's features `chrono`, `serde_json`, `uuid` (and those crates).
//
// Not in these models (stillroom does not compare these; a new database gets them
// only from a migration written by hand):
// - view `admins`

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
pub struct Account {
    #[model(primary_key, autoincrement)]
    pub id: i64,
    // differs: the database declares VARCHAR(40), which no Rust type gives; `String` is TEXT, and
    // adoption converts the column (every value fits)
    pub login: String,
    #[model(default = "false")]
    pub admin: bool,
    pub age: Option<i16>,
    #[model(default = "0")]
    pub visits: i32,
    pub score: Option<f64>,
    pub ratio: Option<f32>,
    pub avatar: Option<Vec<u8>>,
    pub born: Option<chrono::NaiveDate>,
    pub wakes: Option<chrono::NaiveTime>,
    pub seen: Option<chrono::NaiveDateTime>,
    #[model(index)]
    pub created: chrono::DateTime<chrono::Utc>,
    #[model(unique)]
    pub token: uuid::Uuid,
    pub settings: Option<serde_json::Value>,
    #[model(default = "'active'", check = "status = ANY (ARRAY['active'::text, 'closed'::text])")]
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(primary_key(account_id, org, team))]
#[model(foreign_key(org, team, references = "team(org, name)", on_update = "cascade"))]
pub struct Membership {
    #[model(references = "account(id)", on_delete = "cascade")]
    pub account_id: i64,
    pub org: String,
    pub team: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(primary_key(org, name))]
pub struct Team {
    pub org: String,
    pub name: String,
}

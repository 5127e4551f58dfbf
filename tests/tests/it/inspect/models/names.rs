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
#[model(table = "2fa")]
pub struct T2fa {
    #[model(primary_key)]
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "HTTPLog")]
pub struct HttpLog {
    #[model(primary_key)]
    pub id: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
pub struct Match {
    #[model(primary_key, column = "self")]
    pub self_: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "option")]
pub struct OptionTable {
    #[model(primary_key)]
    pub id: i64,
    #[model(column = "String")]
    pub string: String,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(primary_key(select, from))]
pub struct Order {
    pub select: String,
    pub from: String,
    #[model(index)]
    pub r#type: Option<String>,
    #[model(column = "Self")]
    pub self_: Option<String>,
    #[model(column = "crate")]
    pub crate_: Option<i64>,
    pub r#fn: Option<i64>,
    #[model(column = "Order Date", index)]
    pub order_date_2: Option<String>,
    pub order_date: Option<String>,
    #[model(column = "first-name")]
    pub first_name: Option<String>,
    #[model(column = "1st")]
    pub c_1st: Option<i64>,
    #[model(column = "CamelCase")]
    pub camel_case: Option<String>,
    #[model(column = "a b")]
    pub a_b_2: Option<String>,
    pub a_b: Option<String>,
    #[model(column = "prénom")]
    pub pr_nom: Option<String>,
    #[model(column = "_")]
    pub column: Option<String>,
    #[model(column = r#"x"q"#, unique)]
    pub x_q: Option<String>,
    #[model(column = r"back\slash")]
    pub back_slash: Option<String>,
    pub value: Option<stillroom::rusqlite::types::Value>,
    pub r#gen: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "user roles")]
#[model(foreign_key(order_select, order_from, references = "order(select, from)"))]
pub struct UserRoles {
    #[model(primary_key)]
    pub id: i64,
    pub order_select: Option<String>,
    pub order_from: Option<String>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "userRoles")]
pub struct UserRoles2 {
    #[model(primary_key)]
    pub id: i64,
}

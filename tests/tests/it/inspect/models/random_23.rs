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
#[allow(clippy::duplicated_attributes, reason = "a field may be named in two lists")]
#[model(table = "ORDERS_archive")]
#[model(index(table, name = "idx_ORDERS_archive_0"))]
#[model(index(table, name = "idx_ORDERS_archive_1"))]
#[model(index(table, name = "idx_ORDERS_archive_2"))]
pub struct OrdersArchive {
    #[model(primary_key, autoincrement)]
    pub table: i64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "option")]
#[model(index(a_b, upper))]
pub struct OptionTable {
    #[model(primary_key, column = "a b", unique)]
    pub a_b: i64,
    #[model(column = "UPPER")]
    pub upper: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = "self")]
#[model(unique(upper, order_date, r#gen))]
pub struct SelfTable {
    #[model(primary_key, column = "UPPER", default = "x''")]
    pub upper: Vec<u8>,
    pub table: Option<f64>,
    #[model(default = "1.5", check = r#""order_date" <> 'a"b'"#)]
    pub order_date: f64,
    #[model(column = "self")]
    pub self_: Option<bool>,
    #[model(unique)]
    pub r#gen: f64,
}

#[derive(Debug, Clone, PartialEq, stillroom::Model)]
#[model(table = r#"x"y"#)]
#[model(index(column, first_name, name = r#"idx_x"y_0"#))]
#[model(unique(first_name, name = r#"idx_x"y_1"#))]
pub struct XY {
    #[model(primary_key, column = "first-name", default = r#"'say "hi"'"#)]
    pub first_name: String,
    #[model(column = "_")]
    pub column: Option<i64>,
}

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
#[model(strict = false)]
pub struct Spellings {
    #[model(primary_key)]
    pub id: i64,
    #[model(sql_type = "INT")]
    pub a_int: Option<i64>,
    pub a_integer: Option<i64>,
    #[model(sql_type = "TINYINT")]
    pub a_tinyint: Option<i64>,
    #[model(sql_type = "SMALLINT")]
    pub a_smallint: Option<i64>,
    #[model(sql_type = "MEDIUMINT")]
    pub a_mediumint: Option<i64>,
    #[model(sql_type = "BIGINT")]
    pub a_bigint: i64,
    #[model(sql_type = "UNSIGNED BIG INT")]
    pub a_unsigned: Option<i64>,
    #[model(sql_type = "INT2")]
    pub a_int2: Option<i64>,
    #[model(sql_type = "INT8")]
    pub a_int8: Option<i64>,
    #[model(sql_type = "CHARACTER(20)")]
    pub b_character: Option<String>,
    #[model(sql_type = "VARCHAR(255)")]
    pub b_varchar: String,
    #[model(sql_type = "VARYING CHARACTER(255)")]
    pub b_varying: Option<String>,
    #[model(sql_type = "NCHAR(55)")]
    pub b_nchar: Option<String>,
    #[model(sql_type = "NATIVE CHARACTER(70)")]
    pub b_native: Option<String>,
    #[model(sql_type = "NVARCHAR(100)")]
    pub b_nvarchar: Option<String>,
    pub b_text: Option<String>,
    #[model(sql_type = "CLOB")]
    pub b_clob: Option<String>,
    pub c_blob: Option<Vec<u8>>,
    pub d_real: Option<f64>,
    #[model(sql_type = "DOUBLE")]
    pub d_double: Option<f64>,
    #[model(sql_type = "DOUBLE PRECISION")]
    pub d_double_precision: Option<f64>,
    #[model(sql_type = "FLOAT")]
    pub d_float: f64,
    // declared NUMERIC (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "NUMERIC")]
    pub e_numeric: Option<f64>,
    // declared DECIMAL(10,5) (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64`
    // reads; integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "DECIMAL(10,5)")]
    pub e_decimal: Option<f64>,
    // declared BOOLEAN (NUMERIC affinity): no column CHECK `IN (0, 1)`, so `i64`, which reads the 0
    // and 1 ORMs store (`bool` would add that CHECK)
    #[model(sql_type = "BOOLEAN")]
    pub e_boolean: Option<i64>,
    // declared DATE (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATE")]
    pub e_date: Option<String>,
    // declared DATETIME (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value
    // that looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "DATETIME")]
    pub e_datetime: String,
    // declared TIMESTAMP (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value
    // that looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "TIMESTAMP")]
    pub e_timestamp: Option<String>,
    // declared TIME (NUMERIC affinity): `String` reads the ISO 8601 text ORMs store; a value that
    // looks like a number (a Unix time) is stored as a number, which it cannot read
    #[model(sql_type = "TIME")]
    pub e_time: Option<String>,
    // declared JSON (NUMERIC affinity): `String` reads JSON text; a bare JSON number is stored as a
    // number, which it cannot read
    #[model(sql_type = "JSON")]
    pub e_json: Option<String>,
    // declared MONEY (NUMERIC affinity): values are stored as INTEGER or REAL, which `f64` reads;
    // integers beyond 2^53 only approximately (`Value` keeps them exact)
    #[model(sql_type = "MONEY")]
    pub e_money: Option<f64>,
    // declared STRING (NUMERIC affinity): text that looks like a number is stored as a number, so
    // only `Value` reads every value
    #[model(sql_type = "STRING")]
    pub e_string: Option<stillroom::rusqlite::types::Value>,
    // declared UUID (NUMERIC affinity): text that looks like a number is stored as a number, so
    // only `Value` reads every value
    #[model(sql_type = "UUID")]
    pub e_uuid: Option<stillroom::rusqlite::types::Value>,
    #[model(sql_type = "BOOLEAN")]
    pub f_boolean_checked: bool,
    #[model(sql_type = "TINYINT(1)", default = "0")]
    pub f_tinyint_bool: bool,
    pub f_any: Option<stillroom::rusqlite::types::Value>,
}

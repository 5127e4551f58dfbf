use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(sql_type = "VARCHAR(40)")]
    status: String,
}

fn main() {}

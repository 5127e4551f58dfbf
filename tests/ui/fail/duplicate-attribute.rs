use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(column = "state", column = "status")]
    status: String,
}

fn main() {}

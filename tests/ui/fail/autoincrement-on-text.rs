use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key, autoincrement)]
    id: String,
    status: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: Option<String>,
    status: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model]
    #[model(primary_key)]
    id: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key = true)]
    id: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primry_key)]
    id: String,
    status: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
struct Counter {
    #[model(primary_key)]
    name: String,
    hits: u64,
}

fn main() {}

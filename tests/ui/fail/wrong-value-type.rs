use stillroom::Model;

#[derive(Model)]
#[model(table = 5)]
struct Job {
    #[model(primary_key)]
    id: String,
}

fn main() {}

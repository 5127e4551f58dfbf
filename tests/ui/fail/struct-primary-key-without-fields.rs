use stillroom::Model;

#[derive(Model)]
#[model(primary_key)]
struct Job {
    id: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
#[model(index())]
struct Job {
    #[model(primary_key)]
    id: String,
}

fn main() {}

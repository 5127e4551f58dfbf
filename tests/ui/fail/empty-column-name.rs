use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key)]
    id: String,
    #[model(column = " ")]
    status: String,
}

fn main() {}

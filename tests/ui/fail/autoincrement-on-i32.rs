use stillroom::Model;

#[derive(Model)]
struct Job {
    #[model(primary_key, autoincrement)]
    id: i32,
    status: String,
}

fn main() {}

use stillroom::Model;

#[derive(Model)]
struct User {
    #[model(primary_key)]
    id: i64,
    #[model(unique, index)]
    email: String,
}

fn main() {}

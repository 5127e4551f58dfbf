use stillroom::Model;

#[derive(Model)]
struct Job<T> {
    #[model(primary_key)]
    id: String,
    payload: T,
}

fn main() {}

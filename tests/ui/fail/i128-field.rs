use stillroom::Model;

#[derive(Model)]
struct Ledger {
    #[model(primary_key)]
    id: i64,
    balance: Option<i128>,
    size: usize,
}

fn main() {}

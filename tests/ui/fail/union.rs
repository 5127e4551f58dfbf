use stillroom::Model;

#[derive(Model)]
union Bits {
    int: i64,
    real: f64,
}

fn main() {}

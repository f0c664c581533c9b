//! Constraints on an agent's grant: limits on the top-level fields of a call's input, such as
//! `{"amount": {"max": 5000}}` on `adminRefundOrder`. Each field takes `max`, `min`, `in`, `not_in`,
//! or an exact value.

use std::cmp::Ordering;

use serde_json::{Map, Value};

const OPERATORS: [&str; 4] = ["max", "min", "in", "not_in"];

/// Whether `constraints` is a well-formed constraint object; the problem otherwise.
pub fn validate(constraints: &Value) -> Result<(), String> {
    let Some(fields) = constraints.as_object() else {
        return Err("constraints must be an object of fields".to_owned());
    };
    for (field, rule) in fields {
        let Some(rule) = rule.as_object() else {
            continue;
        };
        for (operator, operand) in rule {
            let valid = match operator.as_str() {
                "max" | "min" => operand.is_number(),
                "in" | "not_in" => operand.is_array(),
                _ => false,
            };
            if !valid {
                return Err(format!(
                    "`{field}.{operator}` must be one of {OPERATORS:?} with a number or a list"
                ));
            }
        }
    }
    Ok(())
}

/// How two JSON numbers compare: exactly when both are integers (amounts in minor units lose
/// nothing), as floating point otherwise; `None` when either is not a number.
fn compare(value: &Value, bound: &Value) -> Option<Ordering> {
    match (value.as_i64(), bound.as_i64()) {
        (Some(value), Some(bound)) => Some(value.cmp(&bound)),
        _ => value.as_f64()?.partial_cmp(&bound.as_f64()?),
    }
}

/// Every way `input` breaks `constraints`, as sentences (empty when it keeps them).
#[must_use]
pub fn violations(constraints: &Value, input: &Value) -> Vec<String> {
    let empty = Map::new();
    let fields = constraints.as_object().unwrap_or(&empty);
    let mut broken = Vec::new();
    for (field, rule) in fields {
        let Some(value) = input.get(field) else {
            broken.push(format!("`{field}` is constrained and must be given"));
            continue;
        };
        match rule.as_object() {
            Some(rule) => {
                for (operator, operand) in rule {
                    let kept = match operator.as_str() {
                        "max" => compare(value, operand).is_some_and(Ordering::is_le),
                        "min" => compare(value, operand).is_some_and(Ordering::is_ge),
                        "in" => operand
                            .as_array()
                            .is_some_and(|allowed| allowed.contains(value)),
                        "not_in" => operand
                            .as_array()
                            .is_some_and(|refused| !refused.contains(value)),
                        _ => false,
                    };
                    if !kept {
                        broken.push(format!(
                            "`{field}` = {value} breaks `{operator}: {operand}`"
                        ));
                    }
                }
            }
            None if value != rule => broken.push(format!("`{field}` must be {rule}, not {value}")),
            None => {}
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_kind_of_constraint_holds_or_is_reported() {
        let constraints = json!({
            "amount": {"max": 5000, "min": 1},
            "currency": "EUR",
            "reason": {"in": ["damaged", "late"]},
            "sku": {"not_in": ["GIFT"]},
        });
        assert!(validate(&constraints).is_ok());
        let fine =
            json!({"amount": 5000, "currency": "EUR", "reason": "late", "sku": "TEE", "other": 1});
        assert!(violations(&constraints, &fine).is_empty());
        let bad = json!({"amount": 5001, "currency": "USD", "reason": "whim", "sku": "GIFT"});
        assert_eq!(violations(&constraints, &bad).len(), 4);
        assert_eq!(
            violations(&constraints, &json!({})).len(),
            4,
            "a constrained field must be given"
        );
        assert_eq!(
            violations(&json!({"amount": {"max": 10}}), &json!({"amount": "9"})).len(),
            1
        );
    }

    proptest::proptest! {
        #[test]
        fn integer_bounds_hold_exactly(value in proptest::num::i64::ANY, bound in proptest::num::i64::ANY) {
            let at_most = violations(&json!({"amount": {"max": bound}}), &json!({"amount": value}));
            proptest::prop_assert_eq!(at_most.is_empty(), value <= bound);
            let at_least = violations(&json!({"amount": {"min": bound}}), &json!({"amount": value}));
            proptest::prop_assert_eq!(at_least.is_empty(), value >= bound);
        }

        #[test]
        fn in_and_not_in_are_opposites(list in proptest::collection::vec("[a-c]{1,2}", 0..5), value in "[a-c]{1,2}") {
            let kept_in = violations(&json!({"f": {"in": list}}), &json!({"f": value})).is_empty();
            let kept_out = violations(&json!({"f": {"not_in": list}}), &json!({"f": value})).is_empty();
            proptest::prop_assert_ne!(kept_in, kept_out);
            proptest::prop_assert_eq!(kept_in, list.contains(&value));
        }
    }

    #[test]
    fn malformed_constraints_are_refused() {
        for bad in [
            json!([1]),
            json!({"a": {"max": "x"}}),
            json!({"a": {"in": 3}}),
            json!({"a": {"between": [1, 2]}}),
        ] {
            assert!(validate(&bad).is_err(), "{bad}");
        }
    }
}

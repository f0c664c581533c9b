//! A form shown again after the api refused it: the message for the whole form, and one per field
//! from the envelope's `details.fields`, mapped onto the form's own input names.

use api_types::ErrorBody;

use crate::ApiFailure;

/// A submitted form read as its pairs, in order: for forms whose inputs repeat (checkboxes of one
/// name, rows of inputs by index) which a struct cannot take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submitted(pub Vec<(String, String)>);

impl Submitted {
    /// The first value of `name`; empty when the form has none.
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }

    /// Every value of `name` (checked checkboxes of one name).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// How many rows of `prefix[i].…` inputs the form has: the highest index seen, plus one.
    #[must_use]
    pub fn rows(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .filter_map(|(key, _)| {
                key.strip_prefix(prefix)?
                    .strip_prefix('[')?
                    .split_once(']')?
                    .0
                    .parse::<usize>()
                    .ok()
            })
            .max()
            .map_or(0, |max| max + 1)
    }
}

/// What to tell the person next to the form and its fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormErrors {
    /// For the whole form (a conflict, a refusal, a rate limit…).
    pub form: Option<String>,
    /// `(input name, message)`.
    pub fields: Vec<(String, String)>,
}

impl FormErrors {
    /// One message for the whole form.
    #[must_use]
    pub fn form(message: impl Into<String>) -> Self {
        Self {
            form: Some(message.into()),
            fields: Vec::new(),
        }
    }

    /// One message for one input.
    #[must_use]
    pub fn field(name: &str, message: impl Into<String>) -> Self {
        Self {
            form: None,
            fields: vec![(name.to_owned(), message.into())],
        }
    }

    /// Adds a message for an input.
    pub fn add(&mut self, name: &str, message: impl Into<String>) {
        self.fields.push((name.to_owned(), message.into()));
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.form.is_none() && self.fields.is_empty()
    }

    /// The message for the input `name`, if any.
    #[must_use]
    pub fn of(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, message)| message.as_str())
    }

    /// The api's refusal as form errors. `input_name` maps an api field (`variants[0].price`) to
    /// the form's input; fields without an input join the form's message, so nothing the api said
    /// is lost.
    #[must_use]
    pub fn from_envelope(body: &ErrorBody, input_name: impl Fn(&str) -> Option<String>) -> Self {
        let mut errors = Self::default();
        let mut unplaced = Vec::new();
        let fields = body
            .details
            .as_ref()
            .and_then(|details| details.get("fields"))
            .and_then(|fields| fields.as_array())
            .cloned()
            .unwrap_or_default();
        for field in &fields {
            let name = field["field"].as_str().unwrap_or_default();
            let message = field["message"].as_str().unwrap_or("is not valid");
            match input_name(name) {
                Some(input) => errors.add(&input, message),
                None => unplaced.push(format!("{name}: {message}")),
            }
        }
        let reason = body
            .details
            .as_ref()
            .and_then(|details| details.get("reason"))
            .and_then(|reason| reason.as_str());
        if fields.is_empty() || !unplaced.is_empty() {
            // Agent Auth's envelopes carry their text in `message` (`error` is a protocol word).
            let mut message = body
                .message
                .as_deref()
                .or(reason)
                .map_or_else(|| body.error.clone(), str::to_owned);
            if !unplaced.is_empty() {
                message = format!("{message} ({})", unplaced.join("; "));
            }
            errors.form = Some(message);
        }
        errors
    }

    /// Form errors for a refusal the form can show (400, 409, 422, 429), else the failure back.
    pub fn from_failure(
        failure: ApiFailure,
        input_name: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ApiFailure> {
        match failure.refusal(&[400, 409, 422, 429]) {
            Some(body) => Ok(Self::from_envelope(body, input_name)),
            None => Err(failure),
        }
    }
}

impl FormErrors {
    /// Form errors for a refused sign-in: a wrong email or password (401, told apart from neither),
    /// an address not verified yet (403 `email_not_verified`, with a new link on its way), or what
    /// [`Self::from_failure`] shows; any other failure back.
    pub fn from_sign_in_failure(failure: ApiFailure) -> Result<Self, ApiFailure> {
        if failure.refusal(&[401]).is_some() {
            return Ok(Self::form("The email or the password is not right."));
        }
        let unverified = failure
            .refusal(&[403])
            .is_some_and(|body| body.reason() == Some("email_not_verified"));
        if unverified {
            return Ok(Self::form(
                "Verify your email address first: follow the link we sent to it. A new one is on \
                 its way.",
            ));
        }
        Self::from_failure(failure, same_names)
    }
}

/// The api's field names are the form's input names.
#[must_use]
pub fn same_names(field: &str) -> Option<String> {
    Some(field.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_submitted_form_reads_repeated_names_and_rows() {
        let pairs = [
            ("grant", "addCartItem"),
            ("grant", "placeOrder"),
            ("variants[0].sku", "A"),
            ("variants[2].sku", "C"),
        ];
        let form = Submitted(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        );
        assert_eq!(
            form.all("grant").collect::<Vec<_>>(),
            ["addCartItem", "placeOrder"]
        );
        assert_eq!(form.get("grant"), "addCartItem");
        assert_eq!(form.get("missing"), "");
        assert_eq!(form.rows("variants"), 3);
        assert_eq!(form.rows("options"), 0);
    }

    fn envelope(details: serde_json::Value) -> ErrorBody {
        serde_json::from_value(json!({
            "error": "Validation failed", "code": "VALIDATION_ERROR", "status": 400,
            "details": details,
        }))
        .unwrap()
    }

    #[test]
    fn fields_land_on_their_inputs_and_the_rest_on_the_form() {
        let body = envelope(json!({"fields": [
            {"field": "title", "message": "must not be empty"},
            {"field": "weird", "message": "is odd"},
        ]}));
        let errors = FormErrors::from_envelope(&body, |field| {
            (field == "title").then(|| "title".to_owned())
        });
        assert_eq!(errors.of("title"), Some("must not be empty"));
        assert_eq!(
            errors.form.as_deref(),
            Some("Validation failed (weird: is odd)")
        );
    }

    #[test]
    fn a_conflict_is_a_message_for_the_form() {
        let body: ErrorBody = serde_json::from_value(json!({
            "error": "Conflict", "code": "EMAIL_TAKEN", "status": 409,
            "details": {"reason": "an account with this email exists"},
        }))
        .unwrap();
        let errors = FormErrors::from_failure(ApiFailure::Refused(body), same_names).unwrap();
        assert_eq!(
            errors.form.as_deref(),
            Some("an account with this email exists")
        );
        assert!(FormErrors::from_failure(ApiFailure::Unreachable, same_names).is_err());
    }

    #[test]
    fn a_refused_sign_in_says_which_of_the_two_reasons_it_is_and_no_more() {
        let refusal = |status: u16, reason: &str| {
            let body: ErrorBody = serde_json::from_value(json!({
                "error": "Refused", "code": "X", "status": status, "details": {"reason": reason},
            }))
            .unwrap();
            FormErrors::from_sign_in_failure(ApiFailure::Refused(body))
        };
        let wrong = refusal(401, "no such user").unwrap();
        assert_eq!(
            wrong.form.as_deref(),
            Some("The email or the password is not right.")
        );
        let unverified = refusal(403, "email_not_verified").unwrap();
        assert!(
            unverified
                .form
                .unwrap()
                .starts_with("Verify your email address first")
        );
        assert!(
            refusal(403, "untrusted_origin").is_err(),
            "any other 403 is the error page"
        );
        assert!(FormErrors::from_sign_in_failure(ApiFailure::Unreachable).is_err());
    }
}

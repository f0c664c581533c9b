//! What one change applied to many rows did: how many took, and each refusal with its reason.

use actix_web::http::StatusCode;
use web_ui::{ApiFailure, PageError};

/// The api's answers to a change applied row by row.
#[derive(Debug)]
pub struct Applied<'a, T> {
    pub done: usize,
    /// The rows the api refused, with why.
    pub refused: Vec<(&'a T, String)>,
}

impl<'a, T> Applied<'a, T> {
    /// Tallies the answers: a refusal a row can carry (400, 403, 404, 409, 422) is kept with its
    /// reason; anything else (the api down) fails the page.
    pub fn tally<A>(outcomes: Vec<(&'a T, Result<A, ApiFailure>)>) -> Result<Self, PageError> {
        let mut applied = Self {
            done: 0,
            refused: Vec::new(),
        };
        for (row, answer) in outcomes {
            match answer {
                Ok(_) => applied.done += 1,
                Err(failure) => match failure.refusal(&[400, 403, 404, 409, 422]) {
                    Some(body) => applied
                        .refused
                        .push((row, body.reason().unwrap_or(&body.error).to_owned())),
                    None => return Err(failure.into()),
                },
            }
        }
        Ok(applied)
    }

    /// 200 when every row took, else 422.
    pub fn status(&self) -> StatusCode {
        if self.refused.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }
}

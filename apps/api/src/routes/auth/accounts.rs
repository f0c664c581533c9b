//! Sign-up, sign-in, sign-out, the current session, and the permission statement.

use actix_web::{HttpRequest, HttpResponse, web};
use api_http::{ApiError, Json};
use api_types::ErrorBody;
use api_types::auth::{
    SessionResponse, SessionView, SignInRequest, SignUpRequest, Success, UserView,
    VerificationPending,
};
use api_types::operations;
use identity::{SessionInfo, SignIn, SignUp, SignedIn, SignedUp};
use resolve_caller::ResolveError;
use resolve_caller::actix::raw_credentials;

use crate::cookies;
use crate::errors::AppError;
use crate::extract::{ClientInfo, SignedInUser};
use crate::state::AppState;

/// Create an account with an email and a password, and sign in.
///
/// No credential needed. Rate-limited per client address and per email. Sends the link that
/// verifies the address. Sets the session cookie — unless sign-in waits for a verified address
/// (`REQUIRE_EMAIL_VERIFICATION`): then the answer is 202 and no session is opened.
#[utoipa::path(
    post, path = "/api/auth/sign-up/email", operation_id = operations::SIGN_UP_EMAIL, tag = "auth",
    request_body = SignUpRequest,
    responses(
        (status = 200, description = "Signed up and signed in; the session cookie is set", body = SessionResponse),
        (status = 202, description = "Signed up; sign-in waits until the address is verified", body = VerificationPending),
        (status = 400, description = "Invalid email, name or password", body = ErrorBody),
        (status = 409, description = "EMAIL_TAKEN (unless sign-in waits for a verified address: then a taken address is answered 202 like a new one, and its owner is told by email)", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn sign_up(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: Json<SignUpRequest>,
) -> Result<HttpResponse, AppError> {
    state.rate_limits.attempt(client.ip, &body.email)?;
    let SignUpRequest {
        email,
        password,
        name,
    } = body.into_inner();
    let signed_up = state
        .identity
        .sign_up(
            SignUp {
                email,
                password,
                name,
            },
            &client.anonymous_actor(),
            client.user_agent.as_deref(),
        )
        .await?;
    Ok(match signed_up {
        SignedUp::SignedIn(signed_in) => signed_in_response(&state, signed_in),
        SignedUp::VerificationRequired(account) => {
            HttpResponse::Accepted().json(VerificationPending {
                user: UserView {
                    id: account.id.as_uuid(),
                    email: account.email,
                    name: account.name,
                    role: domain::PlatformRole::OrgMember,
                    email_verified: false,
                    created_at: account.created_at,
                },
            })
        }
    })
}

/// Sign in with an email and a password: a new session every time.
///
/// No credential needed. An unknown email and a wrong password get the same 401. Rate-limited per
/// client address and per email. Sets the session cookie. When sign-in waits for a verified
/// address, an unverified account's right password gets 403 `email_not_verified` and a new link.
#[utoipa::path(
    post, path = "/api/auth/sign-in/email", operation_id = operations::SIGN_IN_EMAIL, tag = "auth",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionResponse),
        (status = 401, description = "INVALID_CREDENTIALS", body = ErrorBody),
        (status = 403, description = "The address is not verified yet (`email_not_verified`)", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ),
)]
pub async fn sign_in(
    state: web::Data<AppState>,
    client: ClientInfo,
    body: Json<SignInRequest>,
) -> Result<HttpResponse, AppError> {
    state.rate_limits.attempt(client.ip, &body.email)?;
    let SignInRequest { email, password } = body.into_inner();
    let signed_in = state
        .identity
        .sign_in(
            SignIn { email, password },
            &client.anonymous_actor(),
            client.user_agent.as_deref(),
        )
        .await?;
    Ok(signed_in_response(&state, signed_in))
}

fn signed_in_response(state: &AppState, signed_in: SignedIn) -> HttpResponse {
    let cookie_value = state.identity.keys().cookie_value(&signed_in.token);
    let body = session_response(SessionInfo {
        user: signed_in.user,
        session: signed_in.session,
    });
    HttpResponse::Ok()
        .cookie(cookies::session(
            &state.settings,
            cookie_value,
            lifetime_seconds(state, &body),
        ))
        .json(body)
}

fn lifetime_seconds(state: &AppState, body: &SessionResponse) -> i64 {
    (body.session.expires_at - state.now()).num_seconds().max(0)
}

fn session_response(info: SessionInfo) -> SessionResponse {
    SessionResponse {
        session: SessionView {
            id: info.session.id.as_uuid(),
            user_id: info.session.user_id.as_uuid(),
            active_organization_id: info.session.active_org.map(|org| org.as_uuid()),
            created_at: info.session.created_at,
            expires_at: info.session.expires_at,
        },
        user: user_view(info.user),
    }
}

fn user_view(user: db::repo::users::User) -> UserView {
    UserView {
        id: user.id.as_uuid(),
        email_verified: user.email_verified_at.is_some(),
        email: user.email,
        name: user.name,
        role: user.role,
        created_at: user.created_at,
    }
}

/// End the current session, here and on every instance; clears the cookie. Idempotent.
#[utoipa::path(
    post, path = "/api/auth/sign-out", operation_id = operations::SIGN_OUT, tag = "auth",
    responses(
        (status = 200, description = "Signed out", body = Success),
        (status = 403, description = "A cookie-authenticated request from an untrusted origin", body = ErrorBody),
    ),
    security((), ("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    match SignedInUser::resolve(&req).await {
        Ok(user) => {
            state
                .identity
                .sign_out(user.session_id, &user.actor())
                .await?
        }
        Err(ResolveError::Unauthenticated(_)) => {}
        Err(error) => return Err(ApiError::from_resolve(error, &state.links).into()),
    }
    Ok(HttpResponse::Ok()
        .cookie(cookies::cleared(&state.settings))
        .json(Success::yes()))
}

/// The current session and its user, or `null` when signed out (a stale cookie is cleared).
///
/// Refreshes the cookie's lifetime.
#[utoipa::path(
    get, path = "/api/auth/get-session", operation_id = operations::GET_SESSION, tag = "auth",
    responses(
        (status = 200, description = "The session, or null", body = Option<SessionResponse>),
        (status = 503, description = "The session store did not answer", body = ErrorBody),
    ),
    security((), ("sessionCookie" = []), ("sessionToken" = [])),
)]
pub async fn get_session(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let user = match SignedInUser::resolve(&req).await {
        Ok(user) => user,
        Err(ResolveError::Unauthenticated(_)) => {
            let mut response = HttpResponse::Ok();
            if raw_credentials(&req).session_cookie().is_some() {
                response.cookie(cookies::cleared(&state.settings));
            }
            return Ok(response.json(None::<SessionResponse>));
        }
        Err(error) => return Err(ApiError::from_resolve(error, &state.links).into()),
    };
    let info = state
        .identity
        .session_info(user.session_id, user.user_id, user.active_org)
        .await?;
    let body = session_response(info);
    let mut response = HttpResponse::Ok();
    if let Some(cookie) = raw_credentials(&req).session_cookie() {
        response.cookie(cookies::session(
            &state.settings,
            cookie,
            lifetime_seconds(&state, &body),
        ));
    }
    Ok(response.json(body))
}

/// The permission statement: resources → actions, and what each organization role holds. The
/// same list every check in the api uses.
#[utoipa::path(
    get, path = "/api/auth/permissions", operation_id = operations::GET_PERMISSIONS, tag = "auth",
    responses((status = 200, description = "The statement", body = Object)),
    security(()),
)]
pub async fn permissions() -> HttpResponse {
    HttpResponse::Ok().json(identity::permissions::statement_json())
}

/// The public keys of the JWTs this api signs, as a JWK set. It signs none today — sessions and API
/// keys are opaque, and agents sign their own tokens with keys they registered — so the set is
/// empty; a verifier that finds no key must refuse the token.
#[utoipa::path(
    get, path = "/api/auth/jwks", operation_id = operations::GET_JWKS, tag = "auth",
    responses((status = 200, description = "The JWK set", body = Object)),
    security(()),
)]
pub async fn jwks() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CACHE_CONTROL,
            "public, max-age=3600",
        ))
        .json(serde_json::json!({ "keys": [] }))
}

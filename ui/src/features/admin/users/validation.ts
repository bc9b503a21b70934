import { adminText } from '../strings';

const f = adminText.users.form;

// The server's rules (docs/api.md, POST /api/admin/users), checked before
// sending so the message can point at the field.

export function loginProblem(login: string): string | null {
  return /^[A-Za-z0-9._@-]{1,100}$/.test(login) ? null : f.loginInvalid;
}

export function nomeProblem(nome: string): string | null {
  return nome.length > 200 ? f.nomeInvalid : null;
}

/** 8 to 256 bytes, no control characters (the server says "bad_password" otherwise). */
export function passwordProblem(password: string): string | null {
  const bytes = new TextEncoder().encode(password).length;
  // eslint-disable-next-line no-control-regex
  if (bytes < 8 || bytes > 256 || /[\u0000-\u001f\u007f]/.test(password)) return f.passwordInvalid;
  return null;
}

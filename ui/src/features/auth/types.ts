export type Role = 'admin' | 'tecnico';

export interface User {
  id: number | null;
  login: string;
  nome: string | null;
  role: Role;
}

export interface LoginResponse {
  expiresAt: string;
  user: User;
}

export interface Me extends User {
  disabled?: boolean;
  createdAt?: string | null;
  via?: string;
  sessionExpiresAt?: string | null;
}

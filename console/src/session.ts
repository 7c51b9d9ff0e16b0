// What the service tells the page before and after sign-in.

import { api, type ApiResult } from './api.js';
import type { ConsoleContext } from './page.js';

export interface Methods {
  password: boolean;
  saml: boolean;
  setupRequired: boolean;
  passwordMinLength: number;
  publicUrl: string;
}

export interface SessionReply {
  user: ConsoleContext['me'];
  session: { scope: 'full' | 'password-change'; expiresAt: string };
}

export const getMethods = (): Promise<ApiResult<Methods>> => api<Methods>('GET', '/auth/methods');
export const getSession = (): Promise<ApiResult<SessionReply>> => api<SessionReply>('GET', '/auth/session');
export const signOut = () => api<void>('POST', '/auth/logout');

/** Role words as the guide writes them. */
export const roleWord = (role: string) => (role === 'admin' ? 'Admin' : 'User');
export const statusWord = (status: string) => (status === 'active' ? 'Active' : 'Inactive');

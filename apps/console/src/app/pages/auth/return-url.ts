/** A path inside the console only (never another origin, never the auth pages themselves). */
export function safeReturnUrl(url: string | undefined | null): string {
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/sign-in') || url.startsWith('/accept-invite')) {
    return '/home';
  }
  return url;
}

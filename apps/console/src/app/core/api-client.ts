import { InjectionToken } from '@angular/core';
import { ApiClient } from '@camel/console-data-access';

/**
 * The one REST client of the console: it holds the access token (in memory only) that every
 * request sends. `AuthService` sets the token and the refresher; components use `ApiService`.
 */
export const API_CLIENT = new InjectionToken<ApiClient>('ApiClient', {
  providedIn: 'root',
  factory: () => new ApiClient(),
});

import 'reflect-metadata';
import { runService } from '@ballast/platform-runtime';
import { AppModule } from './app.module';
import { API_SERVICE, type ApiConfig } from './config/api.config';

void runService<ApiConfig>({ name: API_SERVICE, module: AppModule }).catch((error: unknown) => {
  // The Nest logger may not be up yet (a config error is thrown while modules are created).
  process.stderr.write(`${API_SERVICE} failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});

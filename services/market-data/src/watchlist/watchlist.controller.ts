import { Controller, Get } from '@nestjs/common';
import { type WatchedSymbol, WatchlistService } from './watchlist.service';

/** `GET /watchlist`: what this service polls and checks for staleness, and why. */
@Controller('watchlist')
export class WatchlistController {
  constructor(private readonly watchlist: WatchlistService) {}

  @Get()
  async list(): Promise<{ symbols: WatchedSymbol[] }> {
    return { symbols: await this.watchlist.watched() };
  }
}

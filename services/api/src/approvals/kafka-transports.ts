/**
 * Transport id of the api's second Kafka server (group `api-prices`, price.tick only). Two servers
 * under the default Transport.KAFKA id would each subscribe to every handler's topic.
 */
export const PRICE_TICK_KAFKA = Symbol('api-price-tick-kafka');

module.exports = require('../../../test/jest.preset.cjs').unit(__dirname);

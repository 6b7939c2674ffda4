/** What a board holds per connection, for the hostile tests' leak checks (not a test file): hosts/common/board-figures.ts. */
export { stackFigures as figures, tcpCore } from '../../hosts/common/board-figures.js';

// The in-process windows (JIFEN_BALANCES=memory): directly, and as shards reach them over the
// front's channel.

import { InProcessWindows } from '../../src/risk/shared-windows.js';
import { ChannelWindows, WindowsHost } from '../../src/risk/windows-channel.js';
import { sharedWindowsContract } from './shared-windows.contract.js';

sharedWindowsContract('in process', async () => ({ windows: new InProcessWindows(), prefix: '', close: async () => {} }));

sharedWindowsContract('over the front channel', async () => {
  const host = new WindowsHost(2);
  const windows = new ChannelWindows(host.name, 1);
  return {
    windows,
    prefix: '',
    close: async () => {
      await windows.close();
      host.close();
    },
  };
});

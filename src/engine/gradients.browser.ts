// In bundled code (the site and its worker), register tfjs-core's gradients directly.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

// In Node, tfjs-core resolves to its CommonJS bundle, which registers no
// gradients, and its ES build cannot be imported there. The @tensorflow/tfjs
// Node bundle registers every gradient into that same tfjs-core instance.
import '@tensorflow/tfjs';

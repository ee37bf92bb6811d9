import LAPQData
import LAPQEngine

/// Per-shard scores as the shard answers of a score evaluation (one `ShardAnswer.scores` each).
func scoreAnswers(_ perShard: [Int: [BatchScore]]) -> [Int: ShardAnswer] {
    perShard.mapValues { .scores($0) }
}

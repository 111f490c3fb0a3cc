package org.chatsuite.load.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ServiceProbeTest {

    private static final String METRICS = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1048576.0
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.097152E7
            jvm_memory_used_bytes{area="heap",id="G1 Survivor Space"} 524288.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 6.0E7
            jvm_memory_committed_bytes{area="heap",id="G1 Old Gen"} 9.9E7
            jvm_memory_committed_bytes{area="heap",id="G1 Eden Space"} 1.0E6
            jvm_memory_committed_bytes{area="nonheap",id="Metaspace"} 7.0E7
            jvm_buffer_memory_used_bytes{id="direct"} 3.0E6
            jvm_buffer_memory_used_bytes{id="mapped"} 5.0E6
            # TYPE gateway_websockets_open gauge
            gateway_websockets_open 5000.0
            chat_sockets_open{replica="a b"} 2500.0
            chat_sockets_open{replica="c"} 2499.0
            chat_sockets_open_total 7.0
            """;

    @Test
    void heapIsTheSumOfTheHeapPoolsInUse() {
        assertThat(ServiceProbe.heapUsedBytes(METRICS)).isEqualTo(1048576 + 20971520 + 524288);
    }

    @Test
    void aGaugeIsSummedOverItsSeriesWithOrWithoutTags() {
        assertThat(ServiceProbe.sum(METRICS, "gateway_websockets_open")).isEqualTo(5000);
        assertThat(ServiceProbe.sum(METRICS, "chat_sockets_open")).isEqualTo(4999);
        assertThat(ServiceProbe.sum(METRICS, "chat_subscriptions")).isZero();
    }

    @Test
    void theBreakdownSumsCommittedMemoryByAreaAndDirectBuffers() {
        assertThat(ServiceProbe.breakdown(METRICS)).isEqualTo(new ServiceProbe.Breakdown(100_000_000, 70_000_000, 3_000_000));
    }

    @Test
    void residentMemoryIsReadFromVmRss() {
        assertThat(ServiceProbe.vmRssKiB(List.of("Name:\tjava", "VmPeak:\t 5000000 kB", "VmRSS:\t  412345 kB", "RssAnon:\t 1 kB")))
                .isEqualTo(412345);
        assertThatThrownBy(() -> ServiceProbe.vmRssKiB(List.of("Name:\tjava"))).isInstanceOf(IllegalArgumentException.class);
    }
}
